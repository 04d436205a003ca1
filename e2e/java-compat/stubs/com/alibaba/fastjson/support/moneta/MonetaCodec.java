// Compile-time stand-in for fastjson's JSR-354 (javamoney) codec: javax.money is not available here,
// and RocketMQ never serialises Money; fastjson only reaches this class when org.javamoney is on the classpath.
package com.alibaba.fastjson.support.moneta;

import com.alibaba.fastjson.parser.DefaultJSONParser;
import com.alibaba.fastjson.parser.deserializer.ObjectDeserializer;
import com.alibaba.fastjson.serializer.JSONSerializer;
import com.alibaba.fastjson.serializer.ObjectSerializer;
import java.lang.reflect.Type;

public class MonetaCodec implements ObjectSerializer, ObjectDeserializer {
    public static final MonetaCodec instance = new MonetaCodec();
    public void write(JSONSerializer s, Object o, Object f, Type t, int features) { throw new UnsupportedOperationException("javamoney not supported"); }
    public <T> T deserialze(DefaultJSONParser p, Type t, Object f) { throw new UnsupportedOperationException("javamoney not supported"); }
    public int getFastMatchToken() { return 0; }
}
