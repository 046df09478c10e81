// The contexts the host has created and not yet deleted, by id. The dispatcher fills it;
// setEffectiveContext reads it.
import { IdTable } from "./id-table";

export const liveContexts = new IdTable();
