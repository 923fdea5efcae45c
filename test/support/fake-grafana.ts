// Provider tests run the Grafana API emulator in-process (an in-memory store); see emulator/.
import { Emulator, EmulatorOptions } from "../../emulator/src";
export { hashSecret } from "../../emulator/src";
export type { ApiKeyMode, EmulatorOptions as FakeGrafanaOptions, Fault, RecordedRequest } from "../../emulator/src";

/** The emulator in-process; without a profile or version it follows Grafana 12.1 (no schemaVersion rewrite). */
export class FakeGrafana {
    static start(opts: EmulatorOptions = {}): Promise<Emulator> {
        return Emulator.start(opts.profile || opts.version ? opts : { ...opts, version: "12.1.0" });
    }
}
export type FakeGrafana = Emulator;
