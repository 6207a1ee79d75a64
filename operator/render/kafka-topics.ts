/**
 * The topics a ShopPlatform ensures: the event catalog's topics (services/kit/events/catalog.ts)
 * plus, per consumer group, a retry and a dead-letter topic for each topic it reads — the same
 * names the service kit's consumers use.
 */
import { catalog, catalogTopics, deadLetterTopic, retryTopic } from '../../services/kit/events/catalog.ts';
import type { ShopService } from '../api/v1alpha1/index.ts';

const CATALOG_PREFIX = 'vitrine';

function withPrefix(topic: string, prefix: string): string {
  return prefix === CATALOG_PREFIX ? topic : `${prefix}${topic.slice(CATALOG_PREFIX.length)}`;
}

/**
 * Every topic name to ensure, sorted. A ShopService's consumer group is its component (the kit's
 * convention: the group is the service name); unknown event names are ignored here and reported
 * by `unknownEvents`.
 */
export function desiredTopics(prefix: string, services: readonly ShopService[]): string[] {
  const topics = new Set(catalogTopics().map((t) => withPrefix(t, prefix)));
  for (const svc of services) {
    const group = svc.spec.component;
    for (const ev of svc.spec.events?.consumes ?? []) {
      const def = (catalog as Record<string, { topic: string } | undefined>)[ev];
      if (!def) continue;
      topics.add(withPrefix(retryTopic(def.topic, group), prefix));
      topics.add(withPrefix(deadLetterTopic(def.topic, group), prefix));
    }
  }
  return [...topics].sort();
}

/** Event names ShopServices declare that the catalog does not know. */
export function unknownEvents(services: readonly ShopService[]): string[] {
  const out = new Set<string>();
  for (const svc of services) {
    for (const ev of [...(svc.spec.events?.consumes ?? []), ...(svc.spec.events?.publishes ?? [])]) {
      if (!Object.hasOwn(catalog, ev)) out.add(ev);
    }
  }
  return [...out].sort();
}
