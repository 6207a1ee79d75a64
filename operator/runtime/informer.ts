/**
 * A self-healing informer: list, then watch from the list's resourceVersion, keeping a cache
 * and calling handlers. It heals itself the way client-go's reflector does: a watch that ends is
 * restarted from the last resourceVersion (bookmarks keep it fresh), a 410 Gone relists, errors
 * back off exponentially with jitter, and a watchdog aborts a watch that went silent.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { OWNER_LABEL } from './apply.ts';
import { KubeApiError } from './errors.ts';
import type { KubeClient } from './kube-client.ts';
import { objectKey, resourceKey, resourcePath, type ResourceType } from './resources.ts';

/** What happened to an object. */
export type InformerEventType = 'add' | 'update' | 'delete';
/** A handler of informer events; `old` is set for updates. */
export type InformerHandler<T> = (type: InformerEventType, obj: T, old?: T) => void;

/** Options of an `Informer`. */
export interface InformerOptions {
  /** Watch one namespace only. @default all namespaces */
  readonly namespace?: string;
  readonly labelSelector?: string;
  /** Server-side timeout of one watch call; the watch is restarted after. @default 300 */
  readonly watchTimeoutSeconds?: number;
  /** Abort a watch that delivered nothing (not even a bookmark) for this long. @default 90000 */
  readonly stallMs?: number;
  /** Longest back-off between failed attempts. @default 30000 */
  readonly maxBackoffMs?: number;
  /** Page size of lists. @default 500 */
  readonly pageSize?: number;
  readonly log: Logger;
}

class GoneError extends Error {}
class StallError extends Error {}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

/** Drops what the operator never reads, so a cache of thousands of objects stays small. */
function slim<T extends KubernetesObject>(obj: T): T {
  if (obj.metadata?.managedFields) delete obj.metadata.managedFields;
  return obj;
}

/** List-watch cache of one resource type. */
export class Informer<T extends KubernetesObject> {
  private readonly cache = new Map<string, T>();
  /** Index `namespace/owner-label` → keys, so a reconcile finds its children without a scan. */
  private readonly byOwner = new Map<string, Set<string>>();
  private readonly handlers: InformerHandler<T>[] = [];
  private resourceVersion = '';
  private stopped = true;
  private abort: AbortController | undefined;
  private syncedResolve: (() => void) | undefined;
  private readonly syncedPromise: Promise<void>;
  /** True once the first list is in the cache. */
  synced = false;
  /** Time of the last sign of life (list, watch event or bookmark, or a clean watch end). */
  lastProgressAt = Date.now();
  /** Counters for tests and metrics. */
  readonly stats = { lists: 0, watches: 0, relistsOnGone: 0, stalls: 0, errors: 0 };

  constructor(
    private readonly client: KubeClient,
    readonly resource: ResourceType,
    private readonly opts: InformerOptions,
  ) {
    this.syncedPromise = new Promise((r) => (this.syncedResolve = r));
  }

  /** A readable name for logs. */
  get name(): string {
    return resourceKey(this.resource) + (this.opts.labelSelector ? `?${this.opts.labelSelector}` : '');
  }

  /** Registers a handler; it sees every later event. */
  on(handler: InformerHandler<T>): void {
    this.handlers.push(handler);
  }

  /** The cached object, if any. */
  get(namespace: string | undefined, name: string): T | undefined {
    return this.cache.get(namespace ? `${namespace}/${name}` : name);
  }

  /** Cached objects, optionally of one namespace. */
  list(namespace?: string): T[] {
    const all = [...this.cache.values()];
    return namespace ? all.filter((o) => o.metadata?.namespace === namespace) : all;
  }

  /**
   * Puts an object this process just wrote (the API's answer) into the cache without an event,
   * like client-go's mutation cache: the next reconcile sees its own write even before the watch
   * delivers it, and the watch event then carries the same resourceVersion and is not news.
   */
  assume(obj: T): void {
    const key = objectKey(obj);
    const cached = this.cache.get(key);
    // Never go back in time: keep a cached version that is newer than the answer.
    if (cached && Number(cached.metadata?.resourceVersion) > Number(obj.metadata?.resourceVersion)) return;
    this.put(key, slim(obj));
  }

  /** Cached objects of one namespace labelled `vitrine.dev/owner=<owner>` (see `ownerLabelValue`). */
  listByOwner(namespace: string, owner: string): T[] {
    const keys = this.byOwner.get(`${namespace}/${owner}`);
    if (!keys) return [];
    return [...keys].map((k) => this.cache.get(k)).filter((o): o is T => o !== undefined);
  }

  private ownerIndexKey(obj: T | undefined): string | undefined {
    const owner = obj?.metadata?.labels?.[OWNER_LABEL];
    return owner ? `${obj?.metadata?.namespace ?? ''}/${owner}` : undefined;
  }

  private put(key: string, obj: T): void {
    const oldIdx = this.ownerIndexKey(this.cache.get(key));
    const idx = this.ownerIndexKey(obj);
    if (oldIdx && oldIdx !== idx) this.byOwner.get(oldIdx)?.delete(key);
    if (idx) {
      let set = this.byOwner.get(idx);
      if (!set) this.byOwner.set(idx, (set = new Set()));
      set.add(key);
    }
    this.cache.set(key, obj);
  }

  private remove(key: string): void {
    const idx = this.ownerIndexKey(this.cache.get(key));
    if (idx) {
      const set = this.byOwner.get(idx);
      set?.delete(key);
      if (set?.size === 0) this.byOwner.delete(idx);
    }
    this.cache.delete(key);
  }

  /** True when the informer is synced and not stalled longer than twice the watchdog. */
  get healthy(): boolean {
    return this.synced && Date.now() - this.lastProgressAt < 2 * (this.opts.stallMs ?? 90_000) + (this.opts.watchTimeoutSeconds ?? 300) * 1000;
  }

  /** Starts list-watching in the background; resolves once the first list is cached. */
  start(): Promise<void> {
    if (this.stopped) {
      this.stopped = false;
      void this.run();
    }
    return this.syncedPromise;
  }

  /** Stops watching. */
  stop(): void {
    this.stopped = true;
    this.abort?.abort();
  }

  /**
   * Aborts the current watch as if the connection dropped (for tests of the self-healing); with
   * `resourceVersion`, the next watch resumes from it (an ancient one provokes 410 Gone).
   */
  interrupt(resourceVersion?: string): void {
    if (resourceVersion !== undefined) this.resourceVersion = resourceVersion;
    this.abort?.abort(new Error('interrupted'));
  }

  private async run(): Promise<void> {
    let failures = 0;
    // A restarted informer resumes watching from where it stopped, like a reflector would.
    let mustList = !this.resourceVersion;
    while (!this.stopped) {
      try {
        if (mustList) {
          await this.relist();
          mustList = false;
        }
        await this.watchOnce();
        failures = 0;
      } catch (err) {
        if (this.stopped) break;
        if (err instanceof GoneError || (err instanceof KubeApiError && err.gone)) {
          // The resourceVersion is older than etcd's compaction window: start over from a list.
          this.stats.relistsOnGone += 1;
          this.opts.log.info({ informer: this.name }, 'resource version gone, relisting');
          mustList = true;
          continue;
        }
        failures += 1;
        this.stats.errors += 1;
        if (err instanceof StallError) this.stats.stalls += 1;
        // After repeated failures the stream may have missed events for good: relist.
        if (failures >= 3) mustList = true;
        const backoff = Math.min(this.opts.maxBackoffMs ?? 30_000, 200 * 2 ** (failures - 1)) * (0.5 + Math.random() / 2);
        this.opts.log.warn({ informer: this.name, err: String(err), failures, backoffMs: Math.round(backoff) }, 'watch failed, retrying');
        await sleep(backoff);
      }
    }
  }

  /** Lists every page and replaces the cache, emitting the differences as events. */
  private async relist(): Promise<void> {
    const items: T[] = [];
    let cont: string | undefined;
    let rv: string;
    do {
      const page = await this.client.list<T>(this.resource, this.opts.namespace, {
        labelSelector: this.opts.labelSelector,
        limit: this.opts.pageSize ?? 500,
        continue: cont,
      });
      items.push(...page.items.map(slim));
      cont = page.metadata.continue || undefined;
      rv = page.metadata.resourceVersion ?? '';
    } while (cont);
    this.stats.lists += 1;
    const seen = new Set<string>();
    for (const obj of items) {
      const key = objectKey(obj);
      seen.add(key);
      const old = this.cache.get(key);
      this.put(key, obj);
      if (!old) this.emit('add', obj);
      else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) this.emit('update', obj, old);
    }
    for (const [key, old] of this.cache) {
      if (!seen.has(key)) {
        this.remove(key);
        this.emit('delete', old);
      }
    }
    this.resourceVersion = rv;
    this.lastProgressAt = Date.now();
    if (!this.synced) {
      this.synced = true;
      this.syncedResolve?.();
    }
  }

  /** One watch call, until the server ends it; throws on errors, 410 and stalls. */
  private async watchOnce(): Promise<void> {
    const abort = new AbortController();
    this.abort = abort;
    const stallMs = this.opts.stallMs ?? 90_000;
    let watchdog: NodeJS.Timeout | undefined;
    let stalled = false;
    const pet = (): void => {
      this.lastProgressAt = Date.now();
      if (watchdog) clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        stalled = true;
        abort.abort(new StallError(`no data for ${stallMs} ms`));
      }, stallMs);
      watchdog.unref();
    };
    this.stats.watches += 1;
    try {
      pet();
      const res = await this.client.raw('GET', resourcePath(this.resource, this.opts.namespace), {
        query: {
          watch: 1,
          resourceVersion: this.resourceVersion,
          allowWatchBookmarks: true,
          labelSelector: this.opts.labelSelector,
          // Jitter so that many informers do not all reconnect at once.
          timeoutSeconds: Math.round((this.opts.watchTimeoutSeconds ?? 300) * (1 + Math.random() / 5)),
        },
        signal: abort.signal,
        unlimited: true,
      });
      if (res.status === 410) throw new GoneError();
      if (res.status !== 200) {
        const text = await res.text();
        throw new KubeApiError(res.status, 'WatchFailed', text.slice(0, 500), 'GET', resourcePath(this.resource));
      }
      if (!res.body) throw new Error('watch answered without a body');
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body) {
        pet();
        buffer += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (line) this.onWatchEvent(JSON.parse(line) as { type: string; object: T });
        }
      }
      this.lastProgressAt = Date.now();
    } catch (err) {
      if (stalled) throw new StallError(`watch of ${this.name} stalled for ${stallMs} ms`);
      if (this.stopped) return;
      throw err;
    } finally {
      if (watchdog) clearTimeout(watchdog);
    }
  }

  private onWatchEvent(ev: { type: string; object: T }): void {
    const obj = ev.object;
    if (ev.type === 'ERROR') {
      const status = obj as unknown as { code?: number; message?: string };
      if (status.code === 410) throw new GoneError(status.message);
      throw new Error(`watch error ${status.code}: ${status.message}`);
    }
    const rv = obj.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    if (ev.type === 'BOOKMARK') return;
    obj.apiVersion ??= this.resource.group ? `${this.resource.group}/${this.resource.version}` : this.resource.version;
    obj.kind ??= this.resource.kind;
    const key = objectKey(obj);
    const old = this.cache.get(key);
    if (ev.type === 'DELETED') {
      this.remove(key);
      this.emit('delete', old ?? obj);
      return;
    }
    this.put(key, slim(obj));
    this.emit(old ? 'update' : 'add', obj, old);
  }

  private emit(type: InformerEventType, obj: T, old?: T): void {
    for (const h of this.handlers) {
      try {
        h(type, obj, old);
      } catch (err) {
        this.opts.log.error({ informer: this.name, err: String(err) }, 'informer handler failed');
      }
    }
  }
}
