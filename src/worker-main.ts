import { boot } from './entry.js';

await boot({ web: false, worker: true, name: 'worker' });
