// Provider tests run the Grafana API emulator in-process (an in-memory store); see emulator/.
import { Emulator, EmulatorOptions } from "../../emulator/src";
export { hashSecret } from "../../emulator/src";
export type { ApiKeyMode, EmulatorOptions as FakeGrafanaOptions, Fault, RecordedRequest } from "../../emulator/src";

const started: Emulator[] = [];

/** The emulator in-process; without a profile or version it follows Grafana 12.1 (no schemaVersion rewrite). */
export const FakeGrafana = {
    async start(opts: EmulatorOptions = {}): Promise<Emulator> {
        const g = await Emulator.start(opts.profile || opts.version ? opts : { ...opts, version: "12.1.0" });
        started.push(g);
        return g;
    },
};
export type FakeGrafana = Emulator;

/** An exception in an emulator handler (answered 500) is an emulator bug: it fails the test that caused it. */
export function takeInternalErrors(): string[] {
    return started.flatMap((g) => g.internalErrors.splice(0));
}
