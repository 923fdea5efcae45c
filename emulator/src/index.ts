export { Emulator } from "./emulator";
export type { EmulatorOptions, EmulatorStats, Fault, FaultMatch, RecordedRequest } from "./emulator";
export { DEFAULT_PROFILE, PROFILE_NAMES, profileNamed } from "./profiles";
export type { ApiKeyMode, Profile, ProfileName } from "./profiles";
export { Store, readSnapshotFile, writeSnapshotFile } from "./store";
export { hashPassword, hashSecret } from "./model";
export type { Snapshot } from "./model";
