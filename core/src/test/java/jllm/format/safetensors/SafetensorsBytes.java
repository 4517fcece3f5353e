package jllm.format.safetensors;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import jllm.format.json.Json;

/** Writes small safetensors files for tests, as the safetensors library lays them out. */
public final class SafetensorsBytes {
    private final List<Entry> entries = new ArrayList<>();
    private Map<String, String> metadata = Map.of();

    /** One tensor: shape in PyTorch order, data already encoded. */
    record Entry(String name, String dtype, long[] shape, byte[] data) {
    }

    public SafetensorsBytes add(String name, String dtype, long[] shape, byte[] data) {
        entries.add(new Entry(name, dtype, shape, data));
        return this;
    }

    public SafetensorsBytes addF32(String name, long[] shape, float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return add(name, "F32", shape, b.array());
    }

    SafetensorsBytes metadata(Map<String, String> m) {
        metadata = m;
        return this;
    }

    public byte[] bytes() {
        StringJoiner header = new StringJoiner(",", "{", "}");
        if (!metadata.isEmpty()) {
            StringJoiner m = new StringJoiner(",", "{", "}");
            metadata.forEach((k, v) -> m.add(Json.quote(k) + ":" + Json.quote(v)));
            header.add("\"__metadata__\":" + m);
        }
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Entry e : entries) {
            StringJoiner shape = new StringJoiner(",", "[", "]");
            for (long d : e.shape()) {
                shape.add(Long.toString(d));
            }
            long begin = data.size();
            data.writeBytes(e.data());
            header.add(Json.quote(e.name()) + ":{\"dtype\":" + Json.quote(e.dtype()) + ",\"shape\":" + shape
                    + ",\"data_offsets\":[" + begin + "," + data.size() + "]}");
        }
        // the safetensors library pads the header with spaces to a multiple of 8
        StringBuilder h = new StringBuilder(header.toString());
        while (h.toString().getBytes(StandardCharsets.UTF_8).length % 8 != 0) {
            h.append(' ');
        }
        return raw(h.toString(), data.toByteArray());
    }

    /** An 8-byte little-endian header length, the header, the data. */
    static byte[] raw(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return raw(h.length, h, data);
    }

    static byte[] raw(long headerLength, byte[] header, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLength).put(header).put(data);
        return b.array();
    }

    public void write(Path p) {
        try {
            Files.write(p, bytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
