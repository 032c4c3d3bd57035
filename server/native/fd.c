/*
 * One function Node 20 lacks: a second descriptor of an open file (dup). A connection moves
 * from the read thread to the writer's thread on it (server/reader/handoff.ts): the writer
 * opens the duplicate, the read thread closes its own. Built by build.ts; optional.
 */
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <string.h>

static napi_value duplicate(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd = -1;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) {
    napi_throw_type_error(env, NULL, "duplicate(fd): fd must be a descriptor number");
    return NULL;
  }
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 3);
  if (copy < 0) {
    napi_throw_error(env, "ERR_DUPLICATE", strerror(errno));
    return NULL;
  }
  napi_value result;
  napi_create_int32(env, copy, &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "duplicate", NAPI_AUTO_LENGTH, duplicate, NULL, &fn);
  napi_set_named_property(env, exports, "duplicate", fn);
  return exports;
}
