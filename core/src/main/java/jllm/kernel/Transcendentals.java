package jllm.kernel;

/**
 * The transcendental functions model code uses (exp, tanh, cos, sin), chosen with the kernels:
 * {@link #FAST} is {@link Math} (the JIT's intrinsics, as the engine runs), {@link #STRICT} is
 * {@link StrictMath} (fdlibm: the same bits on every JVM, CPU and vector width, as the reproducible
 * kernels need for lossless compression).
 */
public interface Transcendentals {

    /** e^x. */
    float exp(float x);

    /** tanh(x). */
    float tanh(float x);

    /** cos(x). */
    double cos(double x);

    /** sin(x). */
    double sin(double x);

    /** {@link Math}'s functions. */
    Transcendentals FAST = new Transcendentals() {
        @Override
        public float exp(float x) {
            return (float) Math.exp(x);
        }

        @Override
        public float tanh(float x) {
            return (float) Math.tanh(x);
        }

        @Override
        public double cos(double x) {
            return Math.cos(x);
        }

        @Override
        public double sin(double x) {
            return Math.sin(x);
        }

        @Override
        public String toString() {
            return "Math";
        }
    };

    /** {@link StrictMath}'s functions: reproducible everywhere. */
    Transcendentals STRICT = new Transcendentals() {
        @Override
        public float exp(float x) {
            return (float) StrictMath.exp(x);
        }

        @Override
        public float tanh(float x) {
            return (float) StrictMath.tanh(x);
        }

        @Override
        public double cos(double x) {
            return StrictMath.cos(x);
        }

        @Override
        public double sin(double x) {
            return StrictMath.sin(x);
        }

        @Override
        public String toString() {
            return "StrictMath";
        }
    };
}
