package dev.dlp.ui;

import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import org.deeplearning4j.ui.VertxUIServer;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * DL4J's training UI server, listening on one address instead of every one.
 *
 * <p>DL4J's {@link VertxUIServer} (1.0.0-M2.1) calls {@code vertx.createHttpServer().requestHandler(router)
 * .listen(port, handler)}, which binds 0.0.0.0: anyone who can reach the machine could read the runs' statistics.
 * While its {@code start} runs, this server hands it a view of its Vert.x instance whose HTTP servers listen on
 * {@code host} instead; everything else is DL4J's (routes, modules, event routing).
 */
final class BoundUIServer extends VertxUIServer {
    private final String host;

    BoundUIServer(String host) {
        this.host = host;
    }

    @Override
    public void start(Promise<Void> startPromise) throws Exception {
        Vertx real = this.vertx;
        this.vertx = bound(real, host);
        try {
            super.start(startPromise);
        } finally {
            this.vertx = real;
        }
    }

    /** {@code vertx}, except that the HTTP servers it creates listen on {@code host}. */
    static Vertx bound(Vertx vertx, String host) {
        return proxy(vertx, (p, m, args) -> {
            if (m.getName().equals("createHttpServer") && m.getParameterCount() == 0) {
                return boundServer(vertx.createHttpServer(new HttpServerOptions().setHost(host)), host);
            }
            return invoke(vertx, m, args);
        });
    }

    /** {@code server}, with {@code listen(port, handler)} on {@code host}; its fluent calls return the view. */
    private static HttpServer boundServer(HttpServer server, String host) {
        HttpServer[] self = new HttpServer[1];
        self[0] = proxy(server, (p, m, args) -> {
            if (m.getName().equals("listen") && args != null && args.length == 2 && args[0] instanceof Integer port
                    && args[1] instanceof Handler<?> h) {
                @SuppressWarnings("unchecked")
                Handler<AsyncResult<HttpServer>> handler = (Handler<AsyncResult<HttpServer>>) h;
                server.listen(port, host, handler);
                return self[0];
            }
            Object r = invoke(server, m, args);
            return r == server ? self[0] : r;
        });
        return self[0];
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(T target, InvocationHandler h) {
        Set<Class<?>> interfaces = new LinkedHashSet<>();
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                interfaces.add(i);
            }
        }
        return (T) Proxy.newProxyInstance(BoundUIServer.class.getClassLoader(), interfaces.toArray(Class<?>[]::new), h);
    }

    private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
