import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;

/**
 * Readiness probe used by kafka.sh: succeeds once the broker answers a metadata request
 * (describeCluster + listTopics). Usage: KafkaReady host:port timeoutSeconds
 */
public final class KafkaReady {
  public static void main(String[] args) throws Exception {
    String brokers = args[0];
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    Exception last = null;
    try (Admin admin = Admin.create(props)) {
      while (System.nanoTime() < deadline) {
        try {
          DescribeClusterResult cluster = admin.describeCluster();
          int nodes = cluster.nodes().get(5, TimeUnit.SECONDS).size();
          String id = cluster.clusterId().get(5, TimeUnit.SECONDS);
          admin.listTopics().names().get(5, TimeUnit.SECONDS);
          if (nodes > 0) {
            System.out.println("ready cluster=" + id + " brokers=" + nodes);
            return;
          }
        } catch (Exception e) {
          last = e;
        }
        Thread.sleep(250);
      }
    }
    System.err.println("broker " + brokers + " not ready: " + (last == null ? "no brokers" : last));
    System.exit(1);
  }
}
