// The routes the app's router loads on demand (one chunk for the deals pages).
export { DealDetailRoute } from './routes/deal-detail';
export { DealEditRoute } from './routes/deal-edit';
export { DealNewRoute } from './routes/deal-new';
export { DealsBoardRoute } from './routes/deals-board';
