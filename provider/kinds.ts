import { isKind, Kind } from "./kit";
import * as registry from "./registry";

/** Every resource kind of the registry (provider/registry.ts), in its order. */
export const KINDS: readonly Kind[] = Object.values(registry).filter(isKind);

/** The providers by type: what the generic host entry (host/index.ts) serves to the states. */
export function providersByType(): Record<string, object> {
    return Object.fromEntries(KINDS.map((k) => [k.type, k.provider]));
}
