package jllm.format.gguf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Hand-assembles GGUF bytes (little-endian) for tests of malformed files, field by field. */
final class GgufBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Magic, version 3, the two counts. */
    static GgufBytes header(long tensorCount, long kvCount) {
        return new GgufBytes().u32(GgufFile.MAGIC).u32(3).u64(tensorCount).u64(kvCount);
    }

    GgufBytes u8(int v) {
        out.write(v);
        return this;
    }

    GgufBytes u32(long v) {
        for (int i = 0; i < 4; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    GgufBytes u64(long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    GgufBytes str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u64(b.length);
        out.writeBytes(b);
        return this;
    }

    /** A metadata key, its type and (for UINT32) its value. */
    GgufBytes kvU32(String key, long value) {
        return str(key).u32(GgufValueType.UINT32.id).u32(value);
    }

    /** A tensor info entry. */
    GgufBytes tensor(String name, GgufTypeId type, long offset, long... ne) {
        str(name).u32(ne.length);
        for (long d : ne) {
            u64(d);
        }
        return u32(type.id).u64(offset);
    }

    /** Zero bytes up to a multiple of {@code align}. */
    GgufBytes padTo(int align) {
        while (out.size() % align != 0) {
            out.write(0);
        }
        return this;
    }

    GgufBytes zeros(int n) {
        out.writeBytes(new byte[n]);
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /** A tensor type id, possibly one ggml does not define. */
    record GgufTypeId(long id) {
        static final GgufTypeId F32 = new GgufTypeId(0);
    }
}
