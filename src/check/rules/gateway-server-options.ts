import { objectProperties } from '../gateways';
import { CheckRule } from '../rule';

/** Anything but `namespace` in `@WebSocketGateway()`: a port, CORS, transports, ping timings, payload size, path. */
export const gatewayServerOptions: CheckRule = {
  id: 'gateway-server-options',
  severity: 'warning',
  check({ sources, gateways, report }) {
    for (const gateway of gateways) {
      const options = gateway.options ? objectProperties(sources, gateway.options.file, gateway.options.object).filter((property) => property.name !== 'namespace') : [];
      const names = [...(gateway.port ? ['port'] : []), ...options.map((property) => property.name)];
      if (names.length === 0) continue;
      // Where the reader sees the option: the port, else the first option written in the gateway's own file, else the decorator.
      const inOwnFile = options.find((property) => property.file === gateway.file);
      const at = gateway.port ?? inOwnFile?.node ?? gateway.decorator;
      report(
        gateway.file,
        at,
        `@WebSocketGateway() of ${gateway.name} sets server options (${names.join(', ')}): socket.io ignores a second gateway's options on a shared port; keep only the namespace here and set them once for the app in the adapter (\`npx realtime-schematics redis-adapter\`).`,
      );
    }
  },
};
