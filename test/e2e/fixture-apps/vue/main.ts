/**
 * A Vue app whose repo lives in the root component's setup state (a
 * shallowRef, as Vue's docs advise for class instances). No register line.
 */
import { createApp, defineComponent, h, shallowRef } from "vue"
import { createRepo, markReady } from "../shared"

const App = defineComponent({
  name: "App",
  setup() {
    return { repo: shallowRef(createRepo("vue-peer")) }
  },
  mounted() {
    markReady(this.$refs.badge as Element, this.repo)
  },
  render() {
    return h("main", [h("h1", "Vue fixture"), h("p", { ref: "badge", "data-testid": "peer" }, `peer ${this.repo.identity.name}`)])
  },
})

createApp(App).mount("#root")
