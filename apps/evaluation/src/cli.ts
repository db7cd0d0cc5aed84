#!/usr/bin/env node
import { exitWhenFlushed } from '@steerable/trainer';
import { runEvaluation } from './program.js';

exitWhenFlushed(await runEvaluation(process.argv.slice(2)));
