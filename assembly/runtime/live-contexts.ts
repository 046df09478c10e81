// The contexts the host has created and not yet deleted, by id. The dispatcher fills it;
// setEffectiveContext reads it.
import { ContextTable } from "./context-table";

export const liveContexts = new ContextTable();
