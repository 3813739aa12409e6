/** The sidebar's sections, in the order of the contract's section 9; each is a page under /app. */
export const sections = [
  { name: 'Dashboard', path: '/app/dashboard' },
  { name: 'Leads', path: '/app/leads' },
  { name: 'Deals', path: '/app/deals' },
  { name: 'Contacts', path: '/app/contacts' },
  { name: 'Companies', path: '/app/companies' },
  { name: 'Inventory', path: '/app/inventory' },
  { name: 'Tasks', path: '/app/tasks' },
  { name: 'Calls', path: '/app/calls' },
  { name: 'Approvals', path: '/app/approvals' },
  { name: 'Reports', path: '/app/reports' },
  { name: 'Settings', path: '/app/settings' },
] as const;
