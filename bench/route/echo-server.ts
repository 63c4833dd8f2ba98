/** The floor: a bare grpc-js server answering one unary method, run as its own process by route.bench.ts. */
import { resolve } from 'node:path';
import {
  Server,
  ServerCredentials,
  loadPackageDefinition,
  type ServiceClientConstructor,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

const def = loadSync(resolve(__dirname, 'echo.proto'), { keepCase: false, longs: Number, defaults: true });
const pkg = loadPackageDefinition(def) as unknown as {
  bench: { echo: { v1: { EchoService: ServiceClientConstructor } } };
};
const server = new Server();
server.addService(pkg.bench.echo.v1.EchoService.service, {
  Echo: (call: { request: { text: string } }, cb: (err: null, res: { text: string }) => void) =>
    cb(null, { text: call.request.text }),
});
server.bindAsync(`127.0.0.1:${process.argv[2] ?? '0'}`, ServerCredentials.createInsecure(), (err, port) => {
  if (err) {
    console.error(err.message);
    process.exit(1);
  }
  console.log(`ECHO_PORT=${port}`);
});
process.on('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
