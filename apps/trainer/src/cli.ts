#!/usr/bin/env node
import { runTrainer } from './program.js';

process.exitCode = await runTrainer(process.argv.slice(2));
