#!/usr/bin/env node
import { runEvaluation } from './program.js';

process.exitCode = await runEvaluation(process.argv.slice(2));
