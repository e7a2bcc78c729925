import { startupSnapshot } from 'node:v8';
import { main } from '../../dist/cli.js';
startupSnapshot.setDeserializeMainFunction(() => {
  main(process.argv.slice(2)).then((c) => { if (c !== undefined) process.exitCode = c; });
});
