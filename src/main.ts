import { boot } from './entry.js';

await boot({ web: true, worker: true, name: 'all' });
