// Entry point of the floor language server (see bench/lib/floorServer.ts): node dist/bench/floor-server.js --stdio
import { runFloorServer } from './floorServer';

runFloorServer();
