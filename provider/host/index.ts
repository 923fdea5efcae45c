// The generic host entry: every kind's provider by type. What the SDK serializes into the state requires this module
// by package name and calls `providers[<type>]` (see providerForState in thin.ts).
import { providersByType } from "../kinds";

export const providers = providersByType();
