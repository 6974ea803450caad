// The bundle every engine runs (esbuild, one IIFE): the portability program,
// and the two entries as globals for the host-requirement tests' snippets.
import * as taskloop from "taskloop";
import * as device from "taskloop/device";
import { portabilityTrace } from "./program.ts";

Object.assign(globalThis, { taskloop, taskloopDevice: device, portabilityTrace });
