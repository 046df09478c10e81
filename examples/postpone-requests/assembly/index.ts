export * from "proxy-wasm-as/assembly/proxy";
// Holds every request when its headers arrive and lets the held ones go on the plugin's next
// tick: a crude smoothing of bursts, and the pattern for any filter that resumes streams from
// the plugin context (after a batch, a refresh, a rate-limit window).
// Resuming another stream from onTick takes two steps: setEffectiveContext(id), so the host
// acts on that stream, then continueRequest(). Streams that end while held (client gone,
// timeout) leave the list in onStreamDone, so the tick never resumes a dead stream.
import {
  Action, HttpContext, JsonValue, PluginContext, Status,
  continueRequest, getPluginConfigurationJson, logError, logWarn, registerPlugin,
  setEffectiveContext, setTickPeriodMilliseconds, statusName,
} from "proxy-wasm-as/assembly";

class PostponePlugin extends PluginContext {
  /** The streams held, oldest first. */
  held: PostponedStream[] = [];

  onPluginStart(configurationSize: usize): bool {
    const parsed = getPluginConfigurationJson();
    if (!parsed.ok) return false; // the SDK logged what is wrong with the JSON
    const config = <JsonValue>parsed.value;
    if (!config.isObject) {
      logError("postpone-requests: configuration must be a JSON object");
      return false;
    }
    let period: f64 = 1000;
    const value = config.get("tick_period_ms");
    if (value !== null) {
      period = value.asNumber();
      if (!(period >= 1 && period <= 3600000) || period != Math.floor(period)) {
        logError("postpone-requests: \"tick_period_ms\" must be an integer from 1 to 3600000");
        return false;
      }
    }
    setTickPeriodMilliseconds(<u32>period);
    return true;
  }

  hold(stream: PostponedStream): void {
    stream.held = true;
    this.held.push(stream);
  }

  /** Forgets a stream that ended while held. */
  release(stream: PostponedStream): void {
    stream.held = false;
    const index = this.held.indexOf(stream);
    if (index >= 0) this.held.splice(index, 1);
  }

  onTick(): void {
    if (this.held.length == 0) return;
    // Take the list first: a resumed stream must not be resumed twice.
    const streams = this.held;
    this.held = [];
    for (let i = 0; i < streams.length; i++) {
      const stream = unchecked(streams[i]);
      stream.held = false;
      const status = setEffectiveContext(stream.id);
      if (status != Status.Ok) {
        logWarn("postpone-requests: stream " + stream.id.toString() + " is gone: " + statusName(status));
        continue;
      }
      continueRequest();
    }
  }

  newHttpContext(contextId: u32): HttpContext {
    return new PostponedStream(contextId, this);
  }
}

class PostponedStream extends HttpContext {
  held: bool = false;

  constructor(id: u32, public plugin: PostponePlugin) { super(id); }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    this.plugin.hold(this);
    return Action.Pause;
  }

  onStreamDone(): void {
    if (this.held) this.plugin.release(this);
  }

  // Also here, in case a host logs a stream without a done callback first.
  onLog(): void {
    if (this.held) this.plugin.release(this);
  }
}

registerPlugin((contextId: u32): PluginContext => new PostponePlugin(contextId));
