// The route the app's router loads on demand (one chunk for the reports page, with its charts).
export { ReportsRoute } from './routes/reports';
