#!/usr/bin/env bash
# A Spark standalone cluster on this machine (one master, one worker, both on 127.0.0.1), run from dlp's Spark build:
# for trying `dlp sweep --spark spark://...`, `train.distributed.master: spark://...` and spark-submit against a real
# master/worker/executor set-up without a Spark distribution. On a real cluster use its own Spark 3.5.x.
#
#   scripts/spark-standalone.sh start [--cores N] [--memory 6g]   # prints the master URL
#   scripts/spark-standalone.sh submit ARGS...                    # spark-submit dlp.jar ARGS (client mode)
#   scripts/spark-standalone.sh stop
#
# State (logs, executor work dirs, a SPARK_HOME whose jars/ is dlp's target/lib) lives in $DLP_SPARK_DIR
# (default /tmp/dlp-spark-standalone).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${DLP_SPARK_DIR:-/tmp/dlp-spark-standalone}"
master="spark://127.0.0.1:7077"
jar="$here/target/dlp.jar"

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; }

opens=()   # the JDK packages Spark needs opened on Java 17 (the list ./dlp uses)
while read -r p; do
  opens+=("--add-opens=java.base/$p=ALL-UNNAMED")
done < "$here/scripts/spark-opens.txt"
# every daemon and the driver on the loopback interface
export SPARK_LOCAL_IP=127.0.0.1

need_build() {
  if [[ ! -f "$jar" ]] || ! compgen -G "$here/target/lib/spark-core_*.jar" >/dev/null; then
    echo "spark-standalone: building dlp's Spark build (mvn -Pspark package)..." >&2
    DLP_SPARK=1 "$here/dlp" --version >/dev/null
  fi
}

wait_port() {   # port, what
  for _ in $(seq 1 60); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "spark-standalone: $2 did not start; see $dir/$2.log" >&2
  exit 1
}

start() {
  local cores=2 memory=6g
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --cores) cores="${2:?spark-standalone: --cores needs a value}"; shift 2 ;;
      --memory) memory="${2:?spark-standalone: --memory needs a value}"; shift 2 ;;
      *) echo "spark-standalone: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
  done
  need_build
  for port in 7077 18080 18081; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "spark-standalone: something already listens on 127.0.0.1:$port (stop it first)" >&2
      exit 2
    fi
  done
  mkdir -p "$dir/home" "$dir/work"
  # the worker launches executors with $SPARK_HOME/jars on their class path: dlp's Spark build has them all
  ln -sfn "$here/target/lib" "$dir/home/jars"
  nohup java "${opens[@]}" -cp "$jar" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port 7077 \
    --webui-port 18080 >"$dir/master.log" 2>&1 &
  echo $! >"$dir/master.pid"
  wait_port 7077 master
  SPARK_HOME="$dir/home" SPARK_SCALA_VERSION=2.12 nohup java "${opens[@]}" -cp "$jar" \
    org.apache.spark.deploy.worker.Worker "$master" --host 127.0.0.1 --cores "$cores" --memory "$memory" \
    --webui-port 18081 --work-dir "$dir/work" >"$dir/worker.log" 2>&1 &
  echo $! >"$dir/worker.pid"
  wait_port 18081 worker
  echo "$master"
}

submit() {
  need_build
  exec java "${opens[@]}" --add-modules jdk.incubator.vector -cp "$jar" org.apache.spark.deploy.SparkSubmit \
    --master "$master" --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
    --class dev.dlp.cli.Main "$jar" "$@"
}

stop() {
  for d in worker master; do
    if [[ -f "$dir/$d.pid" ]]; then
      kill "$(cat "$dir/$d.pid")" 2>/dev/null || true
      rm -f "$dir/$d.pid"
    fi
  done
  echo "spark-standalone: stopped"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  submit) shift; submit "$@" ;;
  stop) stop ;;
  -h|--help) usage ;;
  *) usage >&2; exit 2 ;;
esac
