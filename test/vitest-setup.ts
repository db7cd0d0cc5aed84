import * as tf from '@tensorflow/tfjs';

// Tests run tfjs as the apps do, in production mode (setupBackend calls tf.enableProdMode()):
// that also keeps the cpu backend's "install tfjs-node" banner out of the test output.
// (IS_TEST would silence it too, but it switches on tfjs's per-kernel leak check, which reports
// a false leak inside stock wasm logSoftmax; our own leak tests count tensors and data ids.)
tf.enableProdMode();
