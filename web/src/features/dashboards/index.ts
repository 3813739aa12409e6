// The route the app's router loads on demand (one chunk for the dashboard, with its grid and charts).
export { DashboardRoute } from './routes/dashboard';
