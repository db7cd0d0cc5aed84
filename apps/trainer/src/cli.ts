#!/usr/bin/env node
import { runTrainer } from './program.js';
import { exitWhenFlushed } from './terminal/exit.js';

exitWhenFlushed(await runTrainer(process.argv.slice(2)));
