import { useEffect, useRef } from 'react';
import { Link } from 'react-router';
import { FormAlert } from '@/components/form-alert';
import { LoadMore } from '@/components/load-more';
import { usePagedRows } from '@/components/paged-list';
import { formatDateTime } from '@/lib/format';
import { useMarkAllRead, useMarkRead, useNotifications, type Notification } from '../api/notifications';
import { notificationLink } from '../utils/notification-link';

function NotificationItem({
  notification,
  onOpen,
  onMarkRead,
  marking,
}: {
  notification: Notification;
  onOpen: () => void;
  onMarkRead: () => void;
  marking: boolean;
}) {
  const link = notificationLink(notification);
  const unread = !notification.read;
  return (
    <li
      data-testid="notification"
      data-unread={unread ? 'true' : 'false'}
      className={`flex gap-3 px-4 py-3 ${unread ? 'bg-indigo-50 dark:bg-indigo-950' : ''}`}
    >
      <span
        aria-hidden="true"
        className={`mt-1.5 h-2 w-2 shrink-0 rounded-full ${unread ? 'bg-indigo-600 dark:bg-indigo-300' : ''}`}
      />
      <div className="min-w-0 flex-1 text-sm">
        <p className="font-semibold">
          {unread && <span className="sr-only">Unread: </span>}
          {link ? (
            <Link
              to={link}
              onClick={() => {
                if (unread) onMarkRead();
                onOpen();
              }}
              className="text-indigo-700 hover:underline dark:text-indigo-300"
            >
              {notification.title}
            </Link>
          ) : (
            notification.title
          )}
        </p>
        <p className="text-slate-700 dark:text-slate-300">{notification.body}</p>
        <p className="text-xs text-slate-600 dark:text-slate-400">{formatDateTime(notification.createdAt)}</p>
      </div>
      {unread && (
        <button
          type="button"
          onClick={onMarkRead}
          disabled={marking}
          aria-label={`Mark read: ${notification.title}`}
          className="self-start rounded px-2 py-1 text-xs font-medium text-indigo-700 hover:bg-indigo-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:text-indigo-200 dark:hover:bg-indigo-900"
        >
          Mark read
        </button>
      )}
    </li>
  );
}

/**
 * The notification centre behind the bell: the caller's notifications, newest first, unread ones marked. It takes
 * the focus when it opens; the bell closes it on Escape (the focus back on the bell) or a click outside it.
 */
export function NotificationPanel({
  id,
  onClose,
  unreadCount,
}: {
  id: string;
  onClose: () => void;
  unreadCount: number;
}) {
  const notifications = useNotifications(true);
  const { rows, hasMore, loadingMore, loadMore } = usePagedRows(notifications);
  const markRead = useMarkRead();
  const markAllRead = useMarkAllRead();
  const panel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    panel.current?.focus();
  }, []);

  return (
    <div
      ref={panel}
      id={id}
      role="dialog"
      aria-labelledby={`${id}-title`}
      tabIndex={-1}
      className="absolute top-full right-0 z-40 mt-2 flex max-h-[32rem] w-96 flex-col rounded-lg border border-slate-200 bg-white text-slate-900 shadow-lg focus:outline-none dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
    >
      <div className="flex items-center justify-between border-b border-slate-200 px-4 py-3 dark:border-slate-700">
        <h2 id={`${id}-title`} className="font-semibold">
          Notifications
        </h2>
        <button
          type="button"
          onClick={() => markAllRead.mutate()}
          disabled={unreadCount === 0 || markAllRead.isPending}
          className="rounded px-2 py-1 text-sm font-medium text-indigo-700 hover:bg-indigo-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:text-slate-500 disabled:hover:bg-transparent dark:text-indigo-200 dark:hover:bg-indigo-950 dark:disabled:text-slate-400"
        >
          Mark all read
        </button>
      </div>
      <div className="overflow-y-auto">
        <div className="px-4 pt-2">
          <FormAlert error={notifications.error ?? markRead.error ?? markAllRead.error} fields={[]} />
        </div>
        {notifications.isPending ? (
          <p className="px-4 py-3 text-sm">Loading notifications…</p>
        ) : rows.length === 0 && !notifications.isError ? (
          <p className="px-4 py-3 text-sm">No notifications yet.</p>
        ) : (
          <ul aria-label="Notifications" className="divide-y divide-slate-100 dark:divide-slate-800">
            {rows.map((notification) => (
              <NotificationItem
                key={notification.id}
                notification={notification}
                onOpen={onClose}
                onMarkRead={() => markRead.mutate(notification.id)}
                marking={markRead.isPending && markRead.variables === notification.id}
              />
            ))}
          </ul>
        )}
        <LoadMore hasMore={hasMore} loading={loadingMore} onLoadMore={loadMore} />
      </div>
    </div>
  );
}
