import { firstReadsStarted } from '@/app/first-reads';
import './index.css';

// The page's first reads go out first (see first-reads.ts); then the app (React, the router and the pages), a
// script of its own that the page has been fetching from the start (a modulepreload link, vite.config.ts), is
// evaluated while they are answered. The reads' answers cannot be taken in during that evaluation, one long task.
void firstReadsStarted.then(() => import('@/app/start'));
