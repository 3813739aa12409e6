// The routes the app's router loads on demand (one chunk for the approvals pages).
export { ApprovalDetailRoute } from './routes/approval-detail';
export { ApprovalsInboxRoute } from './routes/approvals-inbox';
