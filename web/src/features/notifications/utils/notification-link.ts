import type { Notification } from '../api/notifications';

/** The page of the record a notification is about, when the app has one for its kind of record. */
export function notificationLink(notification: Pick<Notification, 'entityType' | 'entityId'>): string | null {
  const id = notification.entityId;
  switch (notification.entityType) {
    case 'approval':
      return `/app/approvals/${id}`;
    case 'deal':
      return `/app/deals/${id}`;
    case 'lead':
      return `/app/leads/${id}`;
    case 'contact':
      return `/app/contacts/${id}`;
    case 'company':
      return `/app/companies/${id}`;
    case 'task':
      return '/app/tasks';
    default:
      return null;
  }
}
