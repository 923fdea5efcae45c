import * as fs from "fs";
import * as path from "path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { CONNECTION_ENV } from "../../provider/connection";
import { pgdHome } from "./grafana-server";

export const PULUMI_BIN_NAMES = ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"];

export function pulumiBinDir(): string {
    return path.join(pgdHome(), "bin");
}

/** Names of the Pulumi binaries scripts/setup has not installed yet. */
export function missingPulumiBinaries(): string[] {
    return PULUMI_BIN_NAMES.filter((n) => {
        try {
            fs.accessSync(path.join(pulumiBinDir(), n), fs.constants.X_OK);
            return false;
        } catch {
            return true;
        }
    });
}

/** Environment for the real CLI: local file backend, no update checks, no plugin downloads. */
export function pulumiEnv(stateDir: string): Record<string, string> {
    return {
        PATH: `${pulumiBinDir()}:${process.env.PATH}`,
        PULUMI_BACKEND_URL: `file://${stateDir}`,
        PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_HOME: path.join(stateDir, ".pulumi-home"),
        // The provider host must take its connection from stack config, not from the test's env.
        ...Object.fromEntries(Object.values(CONNECTION_ENV).map((name) => [name, ""])),
    };
}

export function pulumiCommand(): Promise<PulumiCommand> {
    return PulumiCommand.get({ root: pgdHome(), skipVersionCheck: true });
}
