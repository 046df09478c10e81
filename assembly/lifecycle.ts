// Context lifecycle calls a filter makes itself.
import { proxy_done, proxy_set_effective_context } from "./abi/imports";
import { setCurrentContext } from "./runtime/current-context";
import { liveContexts } from "./runtime/live-contexts";
import { checkHostStatus } from "./runtime/host-error";
import { Status } from "./types";

/**
 * Makes `contextId` the context that later host calls in this callback act on, e.g. to resume
 * a paused stream from the plugin's onTick. BadArgument when the context is gone.
 */
export function setEffectiveContext(contextId: u32): Status {
  const status = <Status>checkHostStatus("set effective context", proxy_set_effective_context(contextId));
  if (status == Status.Ok) setCurrentContext(liveContexts.get(contextId));
  return status;
}

/** After onPluginDone returned false: tells the host the plugin has finished its work. */
export function pluginDone(): Status {
  return <Status>checkHostStatus("done", proxy_done());
}
