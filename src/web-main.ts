import { boot } from './entry.js';

await boot({ web: true, worker: false, name: 'web' });
