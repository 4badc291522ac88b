import net from 'node:net';

/**
 * How an outage looks to the server:
 * - `refused`: the service is down (a restart): open connections are cut, new ones refused;
 * - `silent`: the service stops answering (a host gone, a firewall): open connections are cut,
 *   new ones are accepted and then never answered.
 */
type Outage = 'refused' | 'silent';

export interface TcpProxy {
  port: number;
  /** `service://127.0.0.1:<proxy port>` in place of the service's own address. */
  url(scheme: string, path?: string): string;
  cut(outage?: Outage): Promise<void>;
  /** Relays again (whatever the outage was; nothing happens when there was none). */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP relay between the server under test and a shared service (PostgreSQL, Redis) that the
 * test can cut and restore, so outages are simulated without touching the service itself.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let outage: Outage | undefined;
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };

  const held = new Set<net.Socket>();
  const server = net.createServer((client) => {
    track(client);
    if (outage === 'silent') {
      held.add(client); // accepted, never relayed
      return;
    }
    const upstream = net.connect(target);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host: '127.0.0.1' }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  const dropAll = () => {
    for (const socket of sockets) socket.destroy();
  };

  return {
    port,
    url: (scheme, path = '') => `${scheme}://127.0.0.1:${port}${path}`,
    cut(kind = 'refused') {
      outage = kind;
      // Refused: nobody listens on the port any more, as when the service is stopped.
      if (kind === 'refused' && server.listening) server.close();
      dropAll();
      return Promise.resolve();
    },
    async restore() {
      if (!server.listening) await listen(port);
      outage = undefined;
      // Connections held by a silent outage were never relayed: they end, as they would time out.
      for (const socket of held) socket.destroy();
      held.clear();
    },
    close() {
      server.close();
      dropAll();
      return Promise.resolve();
    },
  };
}
