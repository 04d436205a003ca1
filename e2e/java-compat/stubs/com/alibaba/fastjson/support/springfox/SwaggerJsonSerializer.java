// Compile-time stand-in for fastjson's springfox serializer: springfox is not available here and
// fastjson only reaches this class for springfox's Json type, which RocketMQ never serialises.
package com.alibaba.fastjson.support.springfox;

import com.alibaba.fastjson.serializer.JSONSerializer;
import com.alibaba.fastjson.serializer.ObjectSerializer;
import java.lang.reflect.Type;

public class SwaggerJsonSerializer implements ObjectSerializer {
    public static final SwaggerJsonSerializer instance = new SwaggerJsonSerializer();
    public void write(JSONSerializer s, Object o, Object f, Type t, int features) { throw new UnsupportedOperationException("springfox not supported"); }
}
