// Jest setup for suites that run the emulator in-process: a test during which an emulator handler threw fails.
import { takeInternalErrors } from "./fake-grafana";

afterEach(() => {
    const errors = takeInternalErrors();
    if (errors.length > 0) throw new Error(`the Grafana API emulator failed inside a handler (an emulator bug):\n${errors.join("\n")}`);
});
