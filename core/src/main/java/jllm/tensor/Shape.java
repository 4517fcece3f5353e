package jllm.tensor;

import java.util.Arrays;

/**
 * The dimensions of a tensor in ggml order: {@code ne[0]} is the contiguous (fastest varying)
 * dimension. A weight matrix of {@code rows x cols} in row-major order has {@code ne = [cols, rows]}.
 *
 * @param ne dimensions, 1 to 4 of them, each positive
 */
public record Shape(long... ne) {

    public Shape {
        if (ne.length == 0 || ne.length > 4) {
            throw new IllegalArgumentException("a shape has 1 to 4 dimensions, not " + ne.length);
        }
        ne = ne.clone();
        long n = 1;
        for (long d : ne) {
            if (d <= 0) {
                throw new IllegalArgumentException("dimension " + d + " in " + Arrays.toString(ne) + " is not positive");
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("element count of " + Arrays.toString(ne) + " overflows a long");
            }
        }
    }

    /** A shape of the given dimensions (ggml order). */
    public static Shape of(long... ne) {
        return new Shape(ne);
    }

    /** A matrix of {@code rows x cols}, row-major: {@code ne = [cols, rows]}. */
    public static Shape matrix(long rows, long cols) {
        return new Shape(cols, rows);
    }

    @Override
    public long[] ne() {
        return ne.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return ne.length;
    }

    /** Dimension {@code i} in ggml order, 1 beyond the rank. */
    public long dim(int i) {
        return i < ne.length ? ne[i] : 1;
    }

    /** Total number of elements. */
    public long elementCount() {
        long n = 1;
        for (long d : ne) {
            n *= d;
        }
        return n;
    }

    /** Length of one row: {@code ne[0]}. */
    public long cols() {
        return ne[0];
    }

    /** Number of rows: the product of every dimension but the first. */
    public long rows() {
        return elementCount() / ne[0];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(ne, s.ne);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ne);
    }

    @Override
    public String toString() {
        return Arrays.toString(ne);
    }
}
