// The routes the app's router loads on demand (one chunk for the inventory pages).
export { AvailabilityRoute } from './routes/availability';
export { ProjectDetailRoute } from './routes/project-detail';
export { ProjectMapRoute } from './routes/project-map';
export { ProjectsListRoute } from './routes/projects-list';
export { UnitDetailRoute } from './routes/unit-detail';
export { UnitsListRoute } from './routes/units-list';
