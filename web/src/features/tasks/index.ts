// The routes the app's router loads on demand (one chunk for the tasks pages).
export { TaskNewRoute } from './routes/task-new';
export { TasksBoardRoute } from './routes/tasks-board';
