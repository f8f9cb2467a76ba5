import { createServer } from 'node:http';
import { loadConfig } from '../src/config.js';
import { createGraph } from '../src/yoga.js';
import { answerStats, serve } from './child.js';

/** The graph as the bench loads it: its own process, configured from the environment like `npm start`. */
const graph = createGraph(loadConfig(process.env));
const server = createServer((request, response) => {
  if (answerStats(request, response)) return;
  void graph.yoga(request, response);
});
await serve(server, () => graph.close());
