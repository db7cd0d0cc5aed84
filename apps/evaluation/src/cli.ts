#!/usr/bin/env node
import { exitWhenFlushed } from '@steerable/cli-kit';
import { runEvaluation } from './program.js';

exitWhenFlushed(await runEvaluation(process.argv.slice(2)));
