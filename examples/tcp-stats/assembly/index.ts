export * from "proxy-wasm-as/assembly/proxy";
// A network (TCP) filter: counts the bytes of every connection in each direction, in counters
// shared by all connections, and logs each connection's opening and its totals when it closes.
import {
  Action, Counter, Gauge, JsonValue, PeerType, PluginContext, TcpContext,
  getPluginConfigurationJson, getPropertyString, logError, logInfo, registerPlugin,
} from "proxy-wasm-as/assembly";

class TcpStatsPlugin extends PluginContext {
  connections: Counter | null = null;
  active: Gauge | null = null;
  downstreamBytes: Counter | null = null;
  upstreamBytes: Counter | null = null;

  onPluginStart(configurationSize: usize): bool {
    const parsed = getPluginConfigurationJson();
    if (!parsed.ok) return false; // the SDK logged what is wrong with the JSON
    const config = <JsonValue>parsed.value;
    if (!config.isObject) {
      logError("tcp-stats: configuration must be a JSON object");
      return false;
    }
    let prefix = "tcp_stats";
    const value = config.get("prefix");
    if (value !== null) {
      const text = value.asString();
      if (text === null || text.length == 0) {
        logError("tcp-stats: \"prefix\" must be a non-empty string");
        return false;
      }
      prefix = text;
    }
    this.connections = Counter.define(prefix + "_connections_total");
    this.active = Gauge.define(prefix + "_active_connections");
    this.downstreamBytes = Counter.define(prefix + "_downstream_bytes_total");
    this.upstreamBytes = Counter.define(prefix + "_upstream_bytes_total");
    return true;
  }

  newTcpContext(contextId: u32): TcpContext {
    return new Connection(contextId, this);
  }
}

function peerName(peer: PeerType): string {
  return peer == PeerType.Local ? "proxy" : peer == PeerType.Remote ? "peer" : "unknown";
}

class Connection extends TcpContext {
  opened: bool = false;
  client: string = "";
  received: u64 = 0;   // downstream → upstream
  sent: u64 = 0;       // upstream → downstream
  closedBy: string = "";

  constructor(id: u32, public plugin: TcpStatsPlugin) { super(id); }

  onNewConnection(): Action {
    this.opened = true;
    const source = getPropertyString(["source", "address"]);
    this.client = source === null ? "unknown client" : source;
    (<Counter>this.plugin.connections).increment();
    (<Gauge>this.plugin.active).add(1);
    logInfo("tcp-stats: connection " + this.id.toString() + " opened from " + this.client);
    return Action.Continue;
  }

  onDownstreamData(dataSize: usize, endOfStream: bool): Action {
    if (dataSize > 0) {
      this.received += dataSize;
      (<Counter>this.plugin.downstreamBytes).increment(dataSize);
    }
    return Action.Continue;
  }

  onUpstreamData(dataSize: usize, endOfStream: bool): Action {
    if (dataSize > 0) {
      this.sent += dataSize;
      (<Counter>this.plugin.upstreamBytes).increment(dataSize);
    }
    return Action.Continue;
  }

  onDownstreamClose(peer: PeerType): void {
    if (this.closedBy.length == 0) this.closedBy = "downstream (" + peerName(peer) + ")";
  }

  onUpstreamClose(peer: PeerType): void {
    if (this.closedBy.length == 0) this.closedBy = "upstream (" + peerName(peer) + ")";
  }

  onLog(): void {
    if (!this.opened) return;
    this.opened = false;
    (<Gauge>this.plugin.active).add(-1);
    logInfo("tcp-stats: connection " + this.id.toString() + " from " + this.client + " closed" +
      (this.closedBy.length > 0 ? " by " + this.closedBy : "") +
      ": " + this.received.toString() + " bytes from downstream, " + this.sent.toString() + " bytes from upstream");
  }
}

registerPlugin((contextId: u32): PluginContext => new TcpStatsPlugin(contextId));
