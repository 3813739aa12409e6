// The routes the app's router loads on demand (one chunk for the settings pages).
export { SettingsLayout } from './components/settings-layout';
export { ApprovalPoliciesRoute } from './routes/approval-policies';
export { CallQueuesRoute } from './routes/call-queues';
export { BillingRoute } from './routes/billing';
export { GroupsRoute } from './routes/groups';
export { IntegrationsRoute } from './routes/integrations';
export { LeadCatalogsRoute } from './routes/lead-catalogs';
export { NotificationRulesRoute } from './routes/notification-rules';
export { PipelinesRoute } from './routes/pipelines';
export { RolesRoute } from './routes/roles';
export { SettingsHomeRoute } from './routes/settings-home';
export { UsersRoute } from './routes/users';
export { WorkspaceRoute } from './routes/workspace';
