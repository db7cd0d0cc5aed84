#!/usr/bin/env node
import { exitWhenFlushed } from '@steerable/cli-kit';
import { runTrainer } from './program.js';

exitWhenFlushed(await runTrainer(process.argv.slice(2)));
