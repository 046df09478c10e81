// One plugin configuration (the ABI's root context): it is configured once, receives ticks,
// queue notifications and foreign-function calls, and creates the stream contexts.
import { Context } from "./context";
import { HttpContext } from "./http";
import { TcpContext } from "./tcp";

export class PluginContext extends Context {
  /**
   * The plugin starts with its configuration (`pluginConfiguration`, `configurationSize`
   * bytes; see `getPluginConfigurationJson`). Return false to reject the configuration: the
   * proxy then refuses the plugin. Log why first.
   */
  onPluginStart(configurationSize: usize): bool { return true; }

  /**
   * The proxy is shutting the plugin down. Return false to finish asynchronous work first,
   * then call `pluginDone()`.
   */
  onPluginDone(): bool { return true; }

  /** The tick set by `setTickPeriodMilliseconds`. */
  onTick(): void {}

  /** A queue this plugin registered has items. */
  onQueueReady(queueId: u32): void {}

  /** The host called foreign function `functionId` (`foreignFunctionArguments`). */
  onForeignFunction(functionId: u32, argumentsSize: usize): void {}

  /**
   * A stream of this plugin starts. The SDK asks `newTcpContext` first; when it returns null,
   * it asks here. The default lets every HTTP stream through untouched.
   */
  newHttpContext(contextId: u32): HttpContext | null { return new HttpContext(contextId); }

  /** A TCP connection of this plugin starts; null (the default) means "not a TCP filter". */
  newTcpContext(contextId: u32): TcpContext | null { return null; }
}
