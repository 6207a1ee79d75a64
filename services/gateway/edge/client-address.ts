/**
 * The client's address. X-Forwarded-For is believed only when the TCP peer is a trusted proxy
 * (the load balancer); then the chain is walked from the right, skipping trusted hops, and the
 * first untrusted address is the client. Anything else in the header could be forged by the client.
 */
import { BlockList, isIP } from 'node:net';

/** Result of resolving the client. */
export interface ClientAddress {
  readonly address: string;
  /** The believed part of the X-Forwarded-For chain, to pass on upstream. */
  readonly forwardedFor: readonly string[];
}

function plain(address: string): string {
  const a = address.trim().replace(/^\[|\]$/g, '');
  return a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

/** Builds a resolver for a list of trusted addresses and CIDRs; throws on a malformed entry. */
export function clientAddressResolver(trusted: readonly string[]): (peer: string | undefined, xff: string | string[] | undefined) => ClientAddress {
  const list = new BlockList();
  for (const entry of trusted) {
    const [addr = '', bits] = entry.split('/');
    const family = isIP(addr);
    if (family === 0) throw new Error(`trustedProxies: "${entry}" is not an IP address or CIDR`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  const isTrusted = (a: string): boolean => {
    const family = isIP(a);
    return family !== 0 && list.check(a, family === 4 ? 'ipv4' : 'ipv6');
  };
  return (peer, xff) => {
    const remote = plain(peer ?? '');
    if (trusted.length === 0 || !isTrusted(remote) || xff === undefined) return { address: remote, forwardedFor: [] };
    const chain = (Array.isArray(xff) ? xff.join(',') : xff).split(',').map(plain).filter((a) => a !== '');
    for (let i = chain.length - 1; i >= 0; i--) {
      const hop = chain[i] as string;
      if (isIP(hop) === 0) return { address: remote, forwardedFor: [] }; // garbage: fall back to the peer
      if (!isTrusted(hop)) return { address: hop, forwardedFor: chain.slice(0, i) };
    }
    return { address: chain[0] ?? remote, forwardedFor: [] };
  };
}
