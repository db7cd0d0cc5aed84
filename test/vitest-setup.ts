import * as tf from '@tensorflow/tfjs';

// tfjs's cpu backend prints a "install tfjs-node" banner on first use in Node unless IS_TEST is
// set; the banner is noise in test output and changes nothing else.
tf.env().set('IS_TEST', true);
